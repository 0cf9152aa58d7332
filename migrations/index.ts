import { InitialSchema1764370000000 } from './1764370000000-initial-schema';
import { FeedbackSchema1764380000000 } from './1764380000000-feedback-schema';
import { TokenStore1764385000000 } from './1764385000000-token-store';
import { FeedbackMore1764390000000 } from './1764390000000-feedback-more';
import { DigestIndexes1764400000000 } from './1764400000000-digest-indexes';
import { RevisionSource1764405000000 } from './1764405000000-revision-source';
import { RectificationUnique1764410000000 } from './1764410000000-rectification-unique';

/** All migrations in order; the data source runs them at start and `npm run migrate` runs them alone. */
export const MIGRATIONS = [InitialSchema1764370000000, FeedbackSchema1764380000000, TokenStore1764385000000, FeedbackMore1764390000000, DigestIndexes1764400000000, RevisionSource1764405000000, RectificationUnique1764410000000];
