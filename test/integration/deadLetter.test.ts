import {
  AddPermissionCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import { createQueue, protocols, rawJson, uniqueName, queueArn } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const emu = useEmulator();

overBothProtocols('dead-letter queues and permissions over %s', emu, ({ sqs }) => {
  const create = (QueueName: string, Attributes: Record<string, string> = {}) => createQueue(sqs, QueueName, Attributes);
  const arnOf = (QueueUrl: string) => queueArn(sqs, QueueUrl);

  test('the receive that would pass maxReceiveCount moves the message, keeping it whole (F142, F143)', async () => {
    const dlq = await create(uniqueName('dlq'));
    const dlqArn = await arnOf(dlq);
    const source = await create(uniqueName('src'), {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: source,
        MessageBody: 'poison',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } },
      }),
    );
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    expect(first.Messages![0]!.MessageId).toBe(sent.MessageId);
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source }));
    expect(second.Messages).toBeUndefined();
    const moved = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, AttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    const m = moved.Messages![0]!;
    expect(m.MessageId).toBe(sent.MessageId);
    expect(m.Body).toBe('poison');
    expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(m.Attributes!.DeadLetterQueueSourceArn).toBe(await arnOf(source));
    expect(m.Attributes!.ApproximateReceiveCount).toBe('2');
  });

  test('RedrivePolicy is validated, echoed with a numeric count and removed by "" (F49, F50)', async () => {
    const dlqArn = await arnOf(await create(uniqueName('dlq')));
    const QueueUrl = await create(uniqueName('src'));
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '5' }) } }),
    );
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });
    for (const bad of [
      JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 0 }),
      JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1001 }),
      JSON.stringify({ deadLetterTargetArn: `${dlqArn}-missing`, maxReceiveCount: 3 }),
      'not json',
    ]) {
      await expect(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: bad } }))).rejects.toMatchObject({
        name: 'InvalidAttributeValue',
      });
    }
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: '' } }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(after.Attributes!.RedrivePolicy).toBeUndefined();
  });

  test('RedriveAllowPolicy denyAll refuses a source', async () => {
    const dlq = await create(uniqueName('dlq'), { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    await expect(
      create(uniqueName('src'), { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 2 }) }),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
  });

  test('ListDeadLetterSourceQueues lists the sources', async () => {
    const dlq = await create(uniqueName('dlq'));
    const dlqArn = await arnOf(dlq);
    const policy = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) };
    const a = await create(uniqueName('src'), policy);
    const b = await create(uniqueName('src'), policy);
    const listed = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    expect(listed.queueUrls!.sort()).toEqual([a, b].sort());
    const page = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 1 }));
    expect(page.queueUrls).toHaveLength(1);
    expect(page.NextToken).toBeDefined();
  });

  test('AddPermission writes the policy as SQS does; RemovePermission removes it (F162-F165)', async () => {
    const QueueUrl = await create(uniqueName('perm'));
    const arn = await arnOf(QueueUrl);
    await sqs.send(
      new AddPermissionCommand({ QueueUrl, Label: 'crossaccountpermission', AWSAccountIds: ['111122223333'], Actions: ['ReceiveMessage'] }),
    );
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    expect(JSON.parse(Attributes!.Policy!)).toEqual({
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        {
          Sid: 'crossaccountpermission',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'SQS:ReceiveMessage',
          Resource: arn,
        },
      ],
    });
    await expect(
      sqs.send(new AddPermissionCommand({ QueueUrl, Label: 'crossaccountpermission', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.',
    });
    await expect(sqs.send(new RemovePermissionCommand({ QueueUrl, Label: 'crossaccountpermission2' }))).rejects.toMatchObject({
      message: "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.",
    });
    await sqs.send(new RemovePermissionCommand({ QueueUrl, Label: 'crossaccountpermission' }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    expect(after.Attributes).toBeUndefined();
  });
});

test('ListDeadLetterSourceQueues over JSON sends queueUrls even when empty', async () => {
  const sqs = protocols[0][1](emu.url);
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('lonely') }))).QueueUrl!;
  const res = await rawJson(emu.url, 'ListDeadLetterSourceQueues', { QueueUrl });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ queueUrls: [] });
});
