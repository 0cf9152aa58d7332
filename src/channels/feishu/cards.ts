import { join } from 'node:path';
import type { CardBody } from '../../ports/channel';
import { CARDS_DIR, createTemplateRenderer } from '../card-template';

const render = createTemplateRenderer(join(CARDS_DIR, 'feishu'));

/** Renders a channel-neutral card into Feishu card JSON 2.0 from `cards/feishu/<template>.json`. */
export function renderFeishuCard(card: CardBody): Record<string, unknown> {
  return render(card.template, card.data) as Record<string, unknown>;
}
