import { Text } from 'ink';
import { fitLine, type Line } from './lines.js';
import { useTheme } from './theme.js';

/**
 * One line of styled segments, cut or padded to exactly `width` cells. In lists (`selected` given) the
 * first cell is a gutter with a cursor mark, so the cursor shows without colours or attributes too
 * (NO_COLOR, TERM=dumb, captured panes); the selected row is also drawn inverse.
 */
export function LineView({
  line,
  width,
  selected,
}: {
  line: Line;
  width: number;
  /** 'mark': the selection of a list whose pane is not focused (a plain mark, not inverse). */
  selected?: boolean | 'mark';
}) {
  const theme = useTheme();
  const gutter: Line =
    selected === undefined ? [] : [{ text: selected === 'mark' ? '▸' : selected ? '>' : ' ', bold: true }];
  const body = fitLine(line, selected === undefined ? width : width - 1);
  return (
    <Text wrap="truncate">
      {[...gutter, ...body].map((s, i) => (
        <Text
          key={i}
          color={theme.color(s.role)}
          bold={s.bold}
          dimColor={s.role === 'dim' && !theme.colors}
          inverse={selected === true || s.inverse === true}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
