import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/index.js';
import { createQueue, uniqueName, queueArn } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const clock = new ManualClock();
const emu = useEmulator({ clock });

overBothProtocols('message move tasks over %s', emu, ({ sqs }) => {
  const create = (QueueName: string, Attributes: Record<string, string> = {}) => createQueue(sqs, QueueName, Attributes);
  const arnOf = (QueueUrl: string) => queueArn(sqs, QueueUrl);
  const count = async (QueueUrl: string) =>
    Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);

  /** A source with maxReceiveCount 1 whose `n` messages were driven into its DLQ. */
  async function deadLettered(n: number): Promise<{ source: string; dlq: string; dlqArn: string }> {
    const dlq = await create(uniqueName('dlq'));
    const dlqArn = await arnOf(dlq);
    const source = await create(uniqueName('src'), {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    for (let i = 0; i < n; i++) await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: `m${i}` }));
    for (let i = 0; i < 3; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10 }));
    expect(await count(dlq)).toBe(n);
    return { source, dlq, dlqArn };
  }

  test('moves messages back to their source, paced by MaxNumberOfMessagesPerSecond (F152-F154)', async () => {
    const { source, dlq, dlqArn } = await deadLettered(4);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
    expect(JSON.parse(Buffer.from(TaskHandle!, 'base64').toString('utf8'))).toEqual({ taskId: expect.any(String), sourceArn: dlqArn });
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    });
    const running = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(running.Results![0]).toMatchObject({ Status: 'RUNNING', TaskHandle, MaxNumberOfMessagesPerSecond: 1, SourceArn: dlqArn });
    clock.advance(2_000);
    expect(await count(dlq)).toBe(1);
    clock.advance(1_000);
    expect(await count(dlq)).toBe(0);
    expect(await count(source)).toBe(4);
    const done = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(done.Results![0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 4, ApproximateNumberOfMessagesToMove: 4 });
    expect(done.Results![0]!.TaskHandle).toBeUndefined();
    expect(done.Results![0]!.DestinationArn).toBeUndefined();
  });

  test('cancel stops a running task; handle errors as AWS gives them (F147-F149)', async () => {
    const { dlqArn } = await deadLettered(3);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBe(1);
    expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results![0]!.Status).toBe('CANCELLED');
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' }))).rejects.toMatchObject({
      message: 'Value for parameter TaskHandle is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
    const ghost = Buffer.from(JSON.stringify({ taskId: 'x', sourceArn: `${dlqArn}-gone` })).toString('base64');
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: ghost }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the SourceArn parameter doesn't exist.",
      $metadata: { httpStatusCode: 404 },
    });
    const unknown = Buffer.from(JSON.stringify({ taskId: 'x', sourceArn: dlqArn })).toString('base64');
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: unknown }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Task does not exist.',
    });
  });

  test('start errors: not a DLQ, missing destination (F145, F146)', async () => {
    const plain = await arnOf(await create(uniqueName('plain')));
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plain }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
    const { dlqArn } = await deadLettered(1);
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: `${plain}-missing` })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the DestinationArn parameter doesn't exist.",
      $metadata: { httpStatusCode: 404 },
    });
  });

  test('DestinationArn sends everything to one queue', async () => {
    const { dlqArn } = await deadLettered(2);
    const target = await create(uniqueName('target'));
    const targetArn = await arnOf(target);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: targetArn }));
    clock.advance(1);
    expect(await count(target)).toBe(2);
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    expect(Results![0]).toMatchObject({ Status: 'COMPLETED', DestinationArn: targetArn });
  });
});
