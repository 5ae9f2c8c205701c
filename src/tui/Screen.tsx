import type { CaptureStore } from '../model/store.js';
import { CallDetailScreen } from './CallDetailScreen.js';
import { CallsScreen } from './CallsScreen.js';
import { ConnectionDetailScreen } from './ConnectionDetailScreen.js';
import { ConnectionsScreen } from './ConnectionsScreen.js';
import { DiagnosticDetailScreen } from './DiagnosticDetailScreen.js';
import { DiagnosticsScreen } from './DiagnosticsScreen.js';
import { ErrorScreen } from './ErrorScreen.js';
import { FramesScreen } from './FramesScreen.js';
import { HelpScreen } from './HelpScreen.js';
import { HpackScreen } from './HpackScreen.js';
import type { View } from './nav-state.js';
import { OverviewScreen } from './OverviewScreen.js';
import { StatsScreen } from './StatsScreen.js';

/** Picks the component for the active view; each screen reads the store and publishes its ViewCtx. */
export function Screen(props: {
  store: CaptureStore;
  version: number;
  view: View;
  width: number;
  height: number;
}) {
  const { view, ...rest } = props;
  switch (view.kind) {
    case 'overview':
      return <OverviewScreen {...rest} view={view} />;
    case 'calls':
      return <CallsScreen {...rest} view={view} />;
    case 'connections':
      return <ConnectionsScreen {...rest} view={view} />;
    case 'frames':
      return <FramesScreen {...rest} view={view} />;
    case 'diagnostics':
      return <DiagnosticsScreen {...rest} view={view} />;
    case 'stats':
      return <StatsScreen {...rest} view={view} />;
    case 'diagnostic':
      return <DiagnosticDetailScreen {...rest} view={view} />;
    case 'call':
      return <CallDetailScreen {...rest} view={view} />;
    case 'connection':
      return <ConnectionDetailScreen {...rest} view={view} />;
    case 'hpack':
      return <HpackScreen {...rest} view={view} />;
    case 'help':
      return <HelpScreen {...rest} view={view} />;
    case 'error':
      return <ErrorScreen {...rest} view={view} />;
  }
}
