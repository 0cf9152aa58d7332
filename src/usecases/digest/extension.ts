import type { Extension } from '../deps';
import type { DigestContext } from './settings';
import { digestOnDemand } from './weekly-digest';

/** `/digest` or `周报`, possibly after a typed mention of the bot. */
const DIGEST_COMMAND = /^(?:@\S+\s+)*(?:\/digest|周报)\s*$/i;

/** Chat entry point of the digest: `/digest` (or `周报`). */
export function createDigestExtension(ctx: DigestContext): Extension {
  return {
    name: 'digest',
    async onMessage(deps, msg) {
      if (!DIGEST_COMMAND.test(msg.text.trim())) return false;
      await digestOnDemand(deps, ctx, msg);
      return true;
    },
  };
}
