/** Every key, as the Help screen (?) and docs/tui.md list them. */
export const HELP_SECTIONS: Array<[string, Array<[string, string]>]> = [
  [
    'Screens',
    [
      [
        '1',
        'Overview: what failed first (diagnoses by code, failing methods with their statuses, or requests by :status), then connections',
      ],
      ['2', 'Calls: one row per gRPC call'],
      ['3', 'Connections'],
      ['4', 'Frames: every HTTP/2 frame, with details and bytes'],
      [
        '5',
        'Diagnostics: everything h2scope noticed, grouped by code, most severe first (Enter expands a group)',
      ],
      ['6', 'Stats: calls per method, frame types, endpoints, IO graph, latency (Tab)'],
      ['?', 'this help'],
      ['q', 'quit (Ctrl-C too)'],
    ],
  ],
  [
    'Moving',
    [
      ['j k  ↓ ↑', 'next / previous row'],
      ['PgDn PgUp  Space  Ctrl-F Ctrl-B', 'next / previous page'],
      ['F', 'follow new rows at the end of a list (like tail -f; on by default: G pins, k unpins)'],
      ['g G  Home End', 'first / last row'],
      [
        'Enter  →',
        'open: a call, a connection, a diagnostic in full (then its links: call, frame, connection); expand a message; fold a section',
      ],
      ['Esc  Backspace  ←', 'back (or clear the filter)'],
      ['Tab  Shift-Tab', 'next / previous pane (Frames, Connection), table (Stats) or section (Call)'],
    ],
  ],
  [
    'Finding',
    [
      [
        '/',
        'filter: a display filter (grpc.status != 0, http2.type == GOAWAY, conn.server.port == 50051) or plain words',
      ],
      ['n N', 'next / previous match (in a call, connection or help: lines matching the filter)'],
      ['e E', 'next / previous error: failed call, RST_STREAM or GOAWAY with an error, error diagnostic'],
      ['s S', 'sort by the next column / reverse the order (Calls, Connections, Stats)'],
      ['f', "filter the list by the selected row's value (method, frame type, server, diagnostic code)"],
      [
        'T',
        'follow the stream of the selected call or frame: its frames, both directions, in order (Frames)',
      ],
    ],
  ],
  [
    'Details',
    [
      ['x', 'bytes: the hex pane (Frames), raw DATA bytes (Call)'],
      ['H', 'HPACK inspector for the selected HEADERS frame'],
      ['c', 'the connection of the selected row'],
      ['[ ]', 'previous / next stream in the flow-control charts (Connection, third pane)'],
      [
        't',
        'times: seconds since the capture started, UTC time of day, or delta from the row above (every screen)',
      ],
    ],
  ],
  [
    'Actions',
    [
      [
        'w',
        "write the selected connection's packets (a call's: its connection's; in a followed stream: the stream's) to a new pcap",
      ],
      ['y', "print the call's grpcurl command when the UI quits (whole, ready to paste)"],
    ],
  ],
];
