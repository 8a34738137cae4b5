import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import type { RunningEmulator } from '../../src/index.js';
import { uniqueName } from '../support/clients.js';
import { overBothProtocols, useEmulator } from '../support/overProtocols.js';

const emu = useEmulator();

overBothProtocols('queues over %s', emu, ({ sqs, makeClient }) => {
  test('create, get URL, list, delete', async () => {
    const name = uniqueName();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    expect(QueueUrl).toBe(`${emu.url}/000000000000/${name}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(QueueUrl);
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    expect(listed.QueueUrls).toEqual([QueueUrl]);
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  test('CreateQueue is idempotent for the same or a subset of attributes (F16-F19)', async () => {
    const name = uniqueName();
    const first = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '1', VisibilityTimeout: '5' } }));
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '1', VisibilityTimeout: '5' } }));
    const none = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const subset = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '1' } }));
    expect(new Set([first.QueueUrl, again.QueueUrl, none.QueueUrl, subset.QueueUrl]).size).toBe(1);
  });

  test('CreateQueue with a different value names the attribute, against current values (F20, F21)', async () => {
    const name = uniqueName();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '1' } }));
    await expect(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '2' } }))).rejects.toMatchObject({
      name: 'QueueNameExists',
      message: 'A queue already exists with the same name and a different value for attribute DelaySeconds',
      $metadata: { httpStatusCode: 400 },
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '2' } }));
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '2' } }));
    await expect(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '1' } }))).rejects.toMatchObject({
      name: 'QueueNameExists',
    });
  });

  test('All returns exactly the 12 keys of a default standard queue (F36, F40, F41)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName() }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Object.keys(Attributes!).sort()).toEqual([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesDelayed',
      'ApproximateNumberOfMessagesNotVisible',
      'CreatedTimestamp',
      'DelaySeconds',
      'LastModifiedTimestamp',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'QueueArn',
      'ReceiveMessageWaitTimeSeconds',
      'SqsManagedSseEnabled',
      'VisibilityTimeout',
    ]);
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      SqsManagedSseEnabled: 'true',
      VisibilityTimeout: '30',
    });
    expect(Attributes!.CreatedTimestamp).toMatch(/^\d{10}$/);
    expect(Attributes!.QueueArn).toMatch(/^arn:aws:sqs:us-east-1:000000000000:q-/);
  });

  test('named attributes return exactly those; an unknown name fails (F39, F44)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName() }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'DelaySeconds', 'QueueArn'] }),
    );
    expect(Object.keys(Attributes!).sort()).toEqual(['DelaySeconds', 'QueueArn', 'VisibilityTimeout']);
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Foobar' as never] })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName', message: 'Unknown Attribute Foobar.' });
  });

  test('SetQueueAttributes is a partial update (F42)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(), Attributes: { DelaySeconds: '3' } }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MaximumMessageSize: '2048', VisibilityTimeout: '69' } }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ MaximumMessageSize: '2048', VisibilityTimeout: '69', DelaySeconds: '3' });
  });

  test('attribute values out of range are InvalidAttributeValue', async () => {
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: uniqueName(), Attributes: { VisibilityTimeout: '43201' } })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue', message: 'Invalid value for the parameter VisibilityTimeout.' });
  });

  test('FIFO attributes on a standard queue are rejected as AWS does (F24-F27)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ FifoQueue: 'false' }, 'Unknown Attribute FifoQueue.'],
      [{ ContentBasedDeduplication: 'true' }, 'Unknown Attribute ContentBasedDeduplication.'],
      [{ DeduplicationScope: 'queue' }, 'You can specify the DeduplicationScope only when FifoQueue is set to true.'],
      [{ FifoThroughputLimit: 'perQueue' }, 'You can specify the FifoThroughputLimit only when FifoQueue is set to true.'],
    ];
    for (const [Attributes, message] of cases) {
      await expect(sqs.send(new CreateQueueCommand({ QueueName: uniqueName(), Attributes }))).rejects.toMatchObject({
        name: 'InvalidAttributeName',
        message,
      });
    }
  });

  test('SSE: KMS flips SqsManagedSseEnabled off; both at once fail (F51-F54)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName() }));
    const only = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled'] }),
    );
    expect(only.Attributes).toEqual({ SqsManagedSseEnabled: 'true' });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000' } }));
    const kms = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(kms.Attributes).toMatchObject({ KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000', SqsManagedSseEnabled: 'false' });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' } }));
    const cleared = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(cleared.Attributes!.KmsMasterKeyId).toBeUndefined();
    expect(cleared.Attributes!.KmsDataKeyReusePeriodSeconds).toBeUndefined();
    expect(cleared.Attributes!.SqsManagedSseEnabled).toBe('false');
    await expect(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: 'k', SqsManagedSseEnabled: 'true' } })),
    ).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message: 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    });
  });

  test('Policy round-trips and "" removes it (F48, F166)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName() }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy } }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }))).Attributes).toEqual({ Policy: policy });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }))).Attributes).toBeUndefined();
  });

  test('ListQueues pages with MaxResults and NextToken in name order (F33, F34)', async () => {
    const prefix = uniqueName('page');
    const urls: string[] = [];
    for (let i = 0; i < 10; i++) urls.push((await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${i}` }))).QueueUrl!);
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    expect(first.QueueUrls).toEqual(urls.slice(0, 2));
    expect(first.NextToken).toBeDefined();
    const rest = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 10, NextToken: first.NextToken }));
    expect(rest.QueueUrls).toEqual(urls.slice(2));
    expect(rest.NextToken).toBeUndefined();
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'no-such-prefix' }));
    expect(none.QueueUrls).toBeUndefined();
  });

  test('tags merge, overwrite, untag missing keys is a no-op (F160, F161)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(), tags: { team: 'a' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'a' });
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { team: 'b', MyTag: '', mytag: 'x' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'b', MyTag: '', mytag: 'x' });
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team', 'MyTag', 'mytag', 'missing'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toBeUndefined();
  });

  test('operations on a deleted queue fail with QueueDoesNotExist (F29)', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName() }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('queues in different regions are separate (F30)', async () => {
    const name = uniqueName();
    const east = makeClient(emu.url, 'us-east-1');
    const west = makeClient(emu.url, 'eu-west-1');
    await east.send(new CreateQueueCommand({ QueueName: name }));
    await expect(west.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await west.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '7' } }));
    const { QueueUrl } = await east.send(new GetQueueUrlCommand({ QueueName: name }));
    const attrs = await east.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['DelaySeconds', 'QueueArn'] }));
    expect(attrs.Attributes).toEqual({ DelaySeconds: '0', QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` });
  });
});
