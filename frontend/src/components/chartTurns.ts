// One chart drawn per frame. Profiling the first paint of /studios (docs/07-site.md) showed one
// synchronous render of every chart of the page (Recharts 3: store, selectors, text measured in the DOM),
// 340 ms on a warm load, before the first of them could be painted. A chart that gets rows now asks for
// a turn: the first one of a frame draws at once, the others follow one per frame, after each paint.
import { useEffect, useState } from 'react';

let frameClaimed = false;
const waiting: (() => void)[] = [];

/** After the next paint, hand the frame to the next waiting chart, or free it. */
function passTurnAfterPaint(): void {
  requestAnimationFrame(() =>
    setTimeout(() => {
      const next = waiting.shift();
      frameClaimed = next !== undefined;
      if (next) {
        next();
        passTurnAfterPaint();
      }
    }, 0),
  );
}

function claimFrame(): boolean {
  // Without animation frames (server rendering, unit tests) every chart draws at once.
  if (typeof requestAnimationFrame === 'undefined') return true;
  if (frameClaimed) return false;
  frameClaimed = true;
  passTurnAfterPaint();
  return true;
}

/** True once this chart may draw: at once for the first chart of a frame, else in a later frame. */
export function useChartTurn(): boolean {
  const [turn, setTurn] = useState(claimFrame);
  useEffect(() => {
    if (turn) return;
    if (claimFrame()) {
      setTurn(true);
      return;
    }
    let live = true;
    waiting.push(() => live && setTurn(true));
    return () => {
      live = false;
    };
  }, [turn]);
  return turn;
}
