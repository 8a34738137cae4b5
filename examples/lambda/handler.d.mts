import type { SqsBatchResponse, SqsLambdaEvent } from '../../src/index.js';
export declare const handler: (event: SqsLambdaEvent) => Promise<SqsBatchResponse>;
