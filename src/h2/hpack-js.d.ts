/**
 * Types for the parts of hpack.js 2.1.6 that h2scope uses (it ships none). Only src/h2/hpack-*.ts and
 * tests import it; see docs/hpack.md for the traps behind the private fields named here.
 */
declare module 'hpack.js' {
  namespace hpack {
    interface TableOptions {
      /** The key is `maxSize`; the README's `size` is silently ignored (the table then never evicts). */
      maxSize: number;
      lookupDepth?: number;
    }

    interface TableEntry {
      /** latin1: one char per octet. */
      name: string;
      value: string;
      nameSize: number;
      totalSize: number;
    }

    /** Private state, read (and `protocolMaxSize` written) by the adapter only. */
    interface Table {
      dynamic: TableEntry[];
      /** Current size in octets (RFC 7541 §4.1). */
      size: number;
      /** Current maximum, changed by in-band size updates (RFC 7541 §4.2). */
      maxSize: number;
      /** Bound on size updates; `updateSize` throws above it. Private: no API sets it. */
      protocolMaxSize: number;
      length: number;
      /** RFC 7541 §2.3.3 index space (static, then dynamic); throws on 0 or past the end. */
      lookup(index: number): TableEntry;
    }

    interface DecodedHeader {
      /** latin1 strings: one char per octet of the wire bytes. */
      name: string;
      value: string;
      neverIndex: boolean;
    }

    /** A readable-stream Duplex: write() a whole header block, execute(), then read() until null. */
    interface Decompressor {
      write(block: Buffer): boolean;
      /** Errors are emitted synchronously as 'error' (thrown when nobody listens). */
      execute(): void;
      read(): DecodedHeader | null;
      /** Readable.push: execute() hands each decoded header to it (the adapter replaces it per instance). */
      push(header: DecodedHeader): boolean;
      on(event: 'error', listener: (err: unknown) => void): this;
      /** EventEmitter.emit: execute() reports a decoding error as emit('error', err). */
      emit(event: 'error', err: unknown): boolean;
      updateTableSize(size: number): void;
      /** Private: execute()'s handler of an indexed field (RFC 7541 §6.1), which push()es a new object. */
      _processIndexed(): void;
      _table: Table;
      /** Private: what write() feeds (its `_write` is just `_decoder.push(block)`). */
      _decoder: BitDecoder;
    }

    interface HeaderToEncode {
      name: string;
      value: string;
      neverIndex?: boolean;
      huffman?: boolean;
      incremental?: boolean;
    }

    interface Compressor {
      write(headers: HeaderToEncode[]): boolean;
      read(): Buffer | null;
      updateTableSize(size: number): void;
      reset(): void;
      _table: Table;
    }

    /** Bit-level reader: HPACK integers (RFC 7541 §5.1) and strings with Huffman (§5.2). Throws on bad input. */
    interface BitDecoder {
      push(chunk: Buffer): void;
      isEmpty(): boolean;
      decodeBit(): number;
      decodeInt(): number;
      /** A Buffer (plain string) or an array of octets (Huffman-decoded); h2scope's readers: see hpack-huffman.ts. */
      decodeStr(): Buffer | number[] | string;
      /** Private: the queued input (an obuf OffsetBuffer). */
      buffer: { has(n: number): boolean; readUInt8(): number; take(n: number): Buffer };
      /** Private: Huffman tree position between words; the root is `hpack.huffman.decode`. */
      _huffmanNode: unknown;
      /** Private: decodes the whole symbols of `bits` bits of `word` into `out`, returns the bits left. */
      decodeHuffmanWord(word: number, bits: number, out: { push(octet: number): unknown }): number;
    }

    interface StaticTable {
      /** RFC 7541 Appendix A, index 1 at position 0. */
      table: TableEntry[];
    }
  }

  const hpack: {
    decompressor: {
      create(options: { table: hpack.TableOptions }): hpack.Decompressor;
      /** The Decompressor constructor's prototype (its execute loop and header handlers). */
      prototype: hpack.Decompressor;
    };
    table: { create(options: hpack.TableOptions): hpack.Table };
    compressor: { create(options: { table: hpack.TableOptions }): hpack.Compressor };
    decoder: { create(): hpack.BitDecoder };
    /** RFC 7541 Appendix B as hpack.js's lookup tree: `decode` is its root. */
    huffman: { decode: unknown };
    /** Helpers shared by its modules; the decompressor calls `utils.stringify` on every literal string. */
    utils: { stringify(octets: Buffer | number[] | string): string };
    'static-table': hpack.StaticTable;
  };
  export = hpack;
}
