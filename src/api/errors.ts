/**
 * The one error catalog. Every error the emulator returns is built here, with AWS's JSON
 * shape name (`__type`), legacy query code (also sent in `x-amzn-query-error`), HTTP status,
 * fault and message text as recorded from real SQS.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */

export type Fault = 'Sender' | 'Receiver';

export interface ErrorType {
  /** JSON `__type`, namespaced as AWS sends it. */
  readonly type: string;
  /** Legacy query-protocol code, also the code half of `x-amzn-query-error`. */
  readonly code: string;
  readonly status: number;
  readonly fault: Fault;
}

const sqs = (shape: string, code: string = shape, status = 400): ErrorType => ({
  type: `com.amazonaws.sqs#${shape}`,
  code,
  status,
  fault: 'Sender',
});
const coral = (shape: string, code: string, status = 400, fault: Fault = 'Sender'): ErrorType => ({
  type: `com.amazon.coral.service#${shape}`,
  code,
  status,
  fault,
});

export const ErrorTypes = {
  QueueDoesNotExist: sqs('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'),
  QueueNameExists: sqs('QueueNameExists', 'QueueAlreadyExists'),
  QueueDeletedRecently: sqs('QueueDeletedRecently', 'AWS.SimpleQueueService.QueueDeletedRecently'),
  PurgeQueueInProgress: sqs('PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', 403),
  InvalidAttributeName: sqs('InvalidAttributeName'),
  InvalidAttributeValue: sqs('InvalidAttributeValue'),
  InvalidMessageContents: sqs('InvalidMessageContents'),
  // The model says 404, but AWS was recorded answering 400 (aws-behaviours F9, F60).
  ReceiptHandleIsInvalid: sqs('ReceiptHandleIsInvalid'),
  MessageNotInflight: sqs('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight'),
  EmptyBatchRequest: sqs('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest'),
  TooManyEntriesInBatchRequest: sqs('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest'),
  BatchEntryIdsNotDistinct: sqs('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct'),
  InvalidBatchEntryId: sqs('InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId'),
  BatchRequestTooLong: sqs('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong'),
  UnsupportedOperation: sqs('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation'),
  OverLimit: sqs('OverLimit', 'OverLimit', 403),
  InvalidAddress: sqs('InvalidAddress', 'InvalidAddress', 404),
  ResourceNotFoundException: sqs('ResourceNotFoundException', 'ResourceNotFoundException', 404),
  InvalidParameterValue: coral('InvalidParameterValueException', 'InvalidParameterValue'),
  MissingParameter: coral('MissingRequiredParameterException', 'MissingParameter'),
  InvalidAction: coral('UnknownOperationException', 'InvalidAction'),
  UnknownOperation: coral('UnknownOperationException', 'UnknownOperationException', 404),
  SerializationException: coral('SerializationException', 'SerializationException'),
  RequestEntityTooLarge: coral('RequestEntityTooLargeException', 'RequestEntityTooLarge', 413),
  InternalFailure: coral('InternalFailure', 'InternalFailure', 500, 'Receiver'),
  // Service-side conditions the emulator never causes by itself; the testing toolkit's fault
  // injection sends them (src/faults). Shapes, query codes and statuses from the SQS model
  // (@aws-sdk/client-sqs: RequestThrottled awsQueryError ["RequestThrottled", 403],
  // KmsThrottled ["KMS.ThrottlingException", 400]); the two 5xx are AWS common errors.
  RequestThrottled: sqs('RequestThrottled', 'RequestThrottled', 403),
  KmsThrottled: sqs('KmsThrottled', 'KMS.ThrottlingException', 400),
  InternalError: coral('InternalError', 'InternalError', 500, 'Receiver'),
  // LocalStack's /_aws/sqs/messages refuses other actions with this code (src/http/localstack.ts).
  InvalidRequest: coral('InvalidRequest', 'InvalidRequest'),
  ServiceUnavailable: {
    type: 'com.amazon.coral.availability#ServiceUnavailableException',
    code: 'ServiceUnavailable',
    status: 503,
    fault: 'Receiver',
  },
  // Signature checks of `--auth verify` (src/auth): AWS common errors, the query code also in
  // x-amzn-query-error (which SDKs read first); JSON shapes are coral's names for them.
  MissingAuthenticationToken: coral('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 403),
  IncompleteSignature: coral('IncompleteSignatureException', 'IncompleteSignature', 400),
  InvalidClientTokenId: coral('UnrecognizedClientException', 'InvalidClientTokenId', 403),
  SignatureDoesNotMatch: coral('InvalidSignatureException', 'SignatureDoesNotMatch', 403),
  RequestExpired: coral('RequestExpired', 'RequestExpired', 400),
  // A queue of another account whose Policy does not grant the caller the action.
  AccessDenied: coral('AccessDeniedException', 'AccessDenied', 403),
} as const satisfies Record<string, ErrorType>;

/** An SQS error as AWS returns it. `queryMessage` is set where the query text differs. */
export class SqsError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
    readonly queryMessage: string = message,
  ) {
    super(message);
    this.name = errorType.code;
  }
}

const E = ErrorTypes;

/** Message builders: the only way errors are made. Texts are AWS's (aws-behaviours.md). */
export const errors = {
  queueDoesNotExist: () =>
    new SqsError(
      E.QueueDoesNotExist,
      'The specified queue does not exist.',
      'The specified queue does not exist for this wsdl version.',
    ),
  queueNameExists: (attribute: string) =>
    new SqsError(E.QueueNameExists, `A queue already exists with the same name and a different value for attribute ${attribute}`),
  queueDeletedRecently: () =>
    new SqsError(
      E.QueueDeletedRecently,
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ),
  purgeQueueInProgress: (queueName: string) =>
    new SqsError(E.PurgeQueueInProgress, `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`),
  unknownAttribute: (name: string) => new SqsError(E.InvalidAttributeName, `Unknown Attribute ${name}.`),
  invalidAttributeName: (message: string) => new SqsError(E.InvalidAttributeName, message),
  invalidAttributeValue: (name: string, reason?: string) =>
    new SqsError(
      E.InvalidAttributeValue,
      reason ? `Invalid value for the parameter ${name}. Reason: ${reason}` : `Invalid value for the parameter ${name}.`,
    ),
  invalidMessageContents: () =>
    new SqsError(
      E.InvalidMessageContents,
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError(E.ReceiptHandleIsInvalid, `The input receipt handle "${handle}" is not a valid receipt handle.`),
  messageNotInflight: () => new SqsError(E.MessageNotInflight, 'The message referred to is not in flight.'),
  emptyBatchRequest: (entryShape: string) =>
    new SqsError(E.EmptyBatchRequest, `There should be at least one ${entryShape} in the request.`),
  tooManyEntriesInBatchRequest: (sent: number) =>
    new SqsError(E.TooManyEntriesInBatchRequest, `Maximum number of entries per request are 10. You have sent ${sent}.`),
  batchEntryIdsNotDistinct: (id: string) =>
    new SqsError(E.BatchEntryIdsNotDistinct, `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    new SqsError(
      E.InvalidBatchEntryId,
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (limit: number, sent: number) =>
    new SqsError(E.BatchRequestTooLong, `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`),
  overLimit: (message: string) => new SqsError(E.OverLimit, message),
  invalidAddress: (address: string) => new SqsError(E.InvalidAddress, `The address ${address} is not valid for this endpoint.`),
  resourceNotFound: (message: string) => new SqsError(E.ResourceNotFoundException, message),
  unsupportedOperation: (message: string) => new SqsError(E.UnsupportedOperation, message),
  /** The common "Value X for parameter Y is invalid. Reason: Z." form. */
  invalidParameterValueFor: (parameter: string, value: unknown, reason: string) =>
    new SqsError(E.InvalidParameterValue, `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`),
  invalidParameterValue: (message: string) => new SqsError(E.InvalidParameterValue, message),
  missingParameter: (parameter: string) =>
    new SqsError(E.MissingParameter, `The request must contain the parameter ${parameter}.`),
  invalidAction: (action: string) => new SqsError(E.InvalidAction, `The action ${action} is not valid for this endpoint.`),
  /** A query request without an Action parameter: AWS answers 404 UnknownOperationException. */
  missingAction: () => new SqsError(E.UnknownOperation, 'The request must contain the parameter Action.'),
  serialization: (message: string) => new SqsError(E.SerializationException, message),
  requestEntityTooLarge: (limit: number) =>
    new SqsError(E.RequestEntityTooLarge, `Request body must be no longer than ${limit} bytes.`),
  requestThrottled: (message = 'Rate exceeded') => new SqsError(E.RequestThrottled, message),
  kmsThrottled: (message = 'The request was denied due to request throttling by AWS KMS.') => new SqsError(E.KmsThrottled, message),
  internalError: (message = 'We encountered an internal error. Please try again.') => new SqsError(E.InternalError, message),
  serviceUnavailable: (message = 'Service is unable to handle request.') => new SqsError(E.ServiceUnavailable, message),
  invalidRequest: (message: string) => new SqsError(E.InvalidRequest, message),
  missingAuthenticationToken: () => new SqsError(E.MissingAuthenticationToken, 'Request is missing Authentication Token'),
  incompleteSignature: (message: string) => new SqsError(E.IncompleteSignature, message),
  invalidClientTokenId: () => new SqsError(E.InvalidClientTokenId, 'The security token included in the request is invalid.'),
  signatureDoesNotMatch: (message: string) => new SqsError(E.SignatureDoesNotMatch, message),
  requestExpired: (message = 'Request has expired.') => new SqsError(E.RequestExpired, message),
  accessDenied: (resource: string) => new SqsError(E.AccessDenied, `Access to the resource ${resource} is denied.`),
  /** A request a browser marked as coming from another site, or a Host not allowed (src/http/browserGuard.ts). */
  browserRefused: (message: string) => new SqsError(E.AccessDenied, message),
  internalFailure: () =>
    new SqsError(E.InternalFailure, 'The request processing has failed because of an unknown error, exception or failure.'),
};

/** Batch entries fail as data, not exceptions: the code and message of a catalog error. */
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message?: string;
}

export function batchFailure(id: string, error: SqsError): BatchResultErrorEntry {
  return { Id: id, SenderFault: error.errorType.fault === 'Sender', Code: error.errorType.code, Message: error.message };
}
