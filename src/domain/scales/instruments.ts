import { bprs } from './bprs.js';
import { cadss } from './cadss.js';
import { cssrsScreener } from './cssrs-screener.js';
import { gad7 } from './gad-7.js';
import { hamd17 } from './hamd-17.js';
import type { InstrumentDefinition, InstrumentId } from './instrument.js';
import { madrs } from './madrs.js';
import { moaas } from './moaas.js';
import { moca } from './moca.js';
import { phq9 } from './phq-9.js';
import { qidsSr16 } from './qids-sr16.js';

/** The instrument library: one definition and one scorer per instrument. */
export const INSTRUMENTS: Readonly<Record<InstrumentId, InstrumentDefinition>> = {
  'qids-sr16': qidsSr16,
  'phq-9': phq9,
  'gad-7': gad7,
  moca,
  bprs,
  cadss,
  moaas,
  'hamd-17': hamd17,
  madrs,
  'cssrs-screener': cssrsScreener,
};
