/**
 * A Lambda handler for an SQS event source with ReportBatchItemFailures: each record's body is
 * an order (JSON); an order that cannot be processed is reported, the others are deleted.
 */
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      if (order.fail) throw new Error(`order ${order.orderId} cannot be processed`);
      console.log(`order ${order.orderId} processed (receive ${record.attributes.ApproximateReceiveCount})`);
    } catch (e) {
      console.log(e.message);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
