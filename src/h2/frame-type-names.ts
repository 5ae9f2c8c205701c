import { FrameType } from './constants.js';

/** "HEADERS" -> 0x1 for every named frame type; the inverse of `frameTypeName` (tests compare with tshark). */
export const FRAME_TYPE_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(FrameType));
