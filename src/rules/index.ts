import type { Rule } from './types.js';

/** Every rule, in the order their findings are worked out. */
export const RULES: readonly Rule[] = [];
