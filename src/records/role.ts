/** Which end of a connection: the side that opened it (sent the preface, made requests) or the other. */
export type Role = 'client' | 'server';
