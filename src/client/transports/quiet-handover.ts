/**
 * A quiet hand-over, for leader mode's planned change of hub (a visible tab taking the lead from a
 * hidden one). It lives with the transports, not in the tab feed, so that pages served by the
 * SharedWorker do not download it.
 */
import type { TabFeed } from '../tab-feed.js';
import type { FeedStatus } from '../types.js';

/**
 * While `feed` is `open`: for up to `graceMs`, or until the new hub reports a state other than
 * `connecting`/`reconnecting`, the feed stays `open` instead of showing the brief
 * `reconnecting`/`connecting` of the switch (nothing is lost; a hub warmed up before the switch
 * is open already). A new hub still not open after the grace shows the state it last reported.
 * A later call starts the grace over.
 */
export function quietHandover(feed: TabFeed, graceMs: number): void {
  if (feed.isClosed || feed.status.state !== 'open') return;
  let held: FeedStatus | null = null;
  const hold = (status: FeedStatus): boolean => {
    if (status.state === 'connecting' || status.state === 'reconnecting') {
      held = status;
      return true;
    }
    end();
    return false;
  };
  const end = () => {
    clearTimeout(timer);
    if (feed.holdStatus === hold) feed.holdStatus = undefined;
  };
  const timer = setTimeout(() => {
    if (feed.holdStatus !== hold) return;
    end();
    if (held) feed.showStatus(held);
  }, graceMs);
  feed.holdStatus = hold;
}
