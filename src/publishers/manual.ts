import type { PublishJob, PublishResult, Publisher } from '../ports/publisher';

/**
 * Hands the final approved text to an editor, who publishes by hand and confirms with the link.
 * The hand-over card is sent by the publishing use case; the publication stays `pending` until confirmed.
 */
export class ManualPublisher implements Publisher {
  readonly name = 'manual';
  async publish(_job: PublishJob): Promise<PublishResult> {
    return { status: 'pending', note: 'handed to an editor' };
  }
}
