/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as h2scope writes it; `_` fields are ours. */
export interface HarHeader {
  name: string;
  value: string;
}

export interface HarBody {
  mimeType: string;
  text?: string;
  /** "base64" when `text` holds binary bytes (HAR 1.2 §content; also used on postData by most tools). */
  encoding?: 'base64';
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: [];
    headers: HarHeader[];
    queryString: HarHeader[];
    postData?: HarBody;
    headersSize: -1;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: [];
    headers: HarHeader[];
    content: HarBody & { size: number; comment?: string };
    redirectURL: '';
    headersSize: -1;
    bodySize: number;
    _trailers?: HarHeader[];
  };
  cache: Record<string, never>;
  timings: { blocked: -1; dns: -1; connect: -1; ssl: -1; send: number; wait: number; receive: number };
  serverIPAddress?: string;
  /** HAR: "unique ID of the parent TCP/IP connection": h2scope's connection id. */
  connection: string;
  comment?: string;
  _stream: number;
  _grpc?: Record<string, unknown>;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: [];
    entries: HarEntry[];
    comment?: string;
  };
}
