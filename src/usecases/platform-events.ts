import type { Deps } from './deps';

/**
 * A platform says an asynchronous publish has finished (WeChat's PUBLISHJOBFINISH): the publication
 * waiting on it becomes due now, so the next scheduler run reads the final result at once instead of
 * at its next poll. The result itself is always read from the platform, never taken from the push.
 */
export async function platformPublishFinished(deps: Deps, input: { stepName: string; externalJobId: string }): Promise<boolean> {
  return deps.store.transaction(async (tx) => {
    const p = await tx.publicationByStep(input.stepName, input.externalJobId);
    if (!p || p.state !== 'scheduled') return false;
    await tx.updatePublication(p.id, { dueAt: deps.clock.now() });
    return true;
  });
}
