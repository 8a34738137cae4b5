import type { Case } from '../suite.js';
import { attributeCases } from './attributes.js';
import { batchCases } from './batch.js';
import { dlqCases } from './dlq.js';
import { fifoCases } from './fifo.js';
import { messageCases } from './messages.js';
import { miscCases } from './misc.js';
import { protocolCases } from './protocol.js';
import { queueCases } from './queues.js';
import { receiveCases } from './receive.js';
import { visibilityCases } from './visibility.js';

export const cases: Case[] = [
  ...protocolCases,
  ...queueCases,
  ...attributeCases,
  ...visibilityCases,
  ...messageCases,
  ...receiveCases,
  ...batchCases,
  ...fifoCases,
  ...dlqCases,
  ...miscCases,
];
