import type { CardActionAnswer, InboundCardAction, InboundMessage } from '../../ports/channel';
import type { Deps, Extension } from '../deps';
import { feedbackFromMessage } from './add-feedback';
import type { FeedbackDeps } from './deps';
import { closeRectification, createRectification, openRectificationForm } from './rectification';

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(' ') : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);

/** Chat entry points of the feedback module: `/feedback`, replies to published notices, rectification cards. */
export function createFeedbackExtension(fb: FeedbackDeps): Extension {
  return {
    name: 'feedback',
    onMessage: (deps: Deps, msg: InboundMessage) => feedbackFromMessage(deps, fb, msg),
    async onCardAction(deps: Deps, action: InboundCardAction): Promise<CardActionAnswer | null> {
      const v = action.value;
      const bad: CardActionAnswer = { toast: { type: 'error', content: '卡片数据不完整，无法处理。' } };
      switch (v.a) {
        case 'rectify_open':
          return Number.isNaN(num(v.f)) ? bad : openRectificationForm(deps, fb, { channel: action.channel, operatorId: action.operatorId, feedbackId: num(v.f) });
        case 'rectify_create':
          if (Number.isNaN(num(v.f))) return bad;
          return createRectification(deps, fb, {
            channel: action.channel, operatorId: action.operatorId, feedbackId: num(v.f),
            ownerId: str(action.formValue.owner).trim(), due: str(action.formValue.due), note: str(action.formValue.note),
          });
        case 'rectify_close':
          return Number.isNaN(num(v.i)) ? bad : closeRectification(deps, fb, { channel: action.channel, operatorId: action.operatorId, id: num(v.i), note: str(action.formValue.note) });
        default:
          return null;
      }
    },
  };
}
