// The real-client scenario through Debian's aws-sdk-go v1 (1.44.x, query/XML protocol).
//
// Usage: sqs-go-v1 ENDPOINT_URL QUEUE_NAME
//
// The SDK checks body digests itself (SendMessage, SendMessageBatch, ReceiveMessage: an
// InvalidChecksum error); checksums are left on. Attribute digests are checked here. Every
// step is asserted; the last line of output is a JSON summary; exit status 0 means success.
//
// Built offline in GOPATH mode against /usr/share/gocode:
//
//	CGO_ENABLED=0 GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off go build -o sqs-go-v1 main.go
package main

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sqs"
)

const (
	account = "000000000000"
	region  = "us-east-1"
	body    = "hello <&> \"emulator\" 'q'\r\nline2 \t\u2713 \U0001F600"
)

var (
	batchBodies = []string{"batch-0", "batch-1 <x/> & \u2713", "batch-2\r\n"}
	blob        = []byte{0, 1, 2, 0xff}
	tags        = map[string]string{"env": "test", "team": "core \u2713"}
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func eq(actual, expected interface{}, what string) {
	if !reflect.DeepEqual(actual, expected) {
		fail("%s: expected %#v, got %#v", what, expected, actual)
	}
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func md5OfAttributes(attrs map[string]*sqs.MessageAttributeValue) string {
	var buf bytes.Buffer
	field := func(b []byte) {
		_ = binary.Write(&buf, binary.BigEndian, uint32(len(b)))
		buf.Write(b)
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := attrs[n]
		field([]byte(n))
		field([]byte(*a.DataType))
		if a.BinaryValue != nil {
			buf.WriteByte(2)
			field(a.BinaryValue)
		} else {
			buf.WriteByte(1)
			field([]byte(*a.StringValue))
		}
	}
	return md5Hex(buf.Bytes())
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: %s ENDPOINT_URL QUEUE_NAME", os.Args[0])
	}
	endpoint, name := os.Args[1], os.Args[2]
	sess, err := session.NewSession(&aws.Config{
		Endpoint:    aws.String(endpoint),
		Region:      aws.String(region),
		Credentials: credentials.NewStaticCredentials("test", "test", ""),
		MaxRetries:  aws.Int(0),
	})
	must(err, "session")
	svc := sqs.New(sess)
	if aws.BoolValue(svc.Config.DisableComputeChecksums) {
		fail("checksums must stay enabled")
	}

	created, err := svc.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]*string{"VisibilityTimeout": aws.String("30")}})
	must(err, "CreateQueue")
	url := aws.StringValue(created.QueueUrl)
	eq(url, endpoint+"/"+account+"/"+name, "CreateQueue QueueUrl")
	got, err := svc.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	must(err, "GetQueueUrl")
	eq(aws.StringValue(got.QueueUrl), url, "GetQueueUrl")
	listed, err := svc.ListQueues(&sqs.ListQueuesInput{QueueNamePrefix: aws.String(name)})
	must(err, "ListQueues")
	eq(aws.StringValueSlice(listed.QueueUrls), []string{url}, "ListQueues")

	_, err = svc.SetQueueAttributes(&sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]*string{
		"VisibilityTimeout": aws.String("45"), "DelaySeconds": aws.String("0"),
	}})
	must(err, "SetQueueAttributes")
	qa, err := svc.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: aws.StringSlice([]string{"All"})})
	must(err, "GetQueueAttributes")
	eq(aws.StringValue(qa.Attributes["VisibilityTimeout"]), "45", "VisibilityTimeout")
	eq(aws.StringValue(qa.Attributes["QueueArn"]), "arn:aws:sqs:"+region+":"+account+":"+name, "QueueArn")

	attrs := map[string]*sqs.MessageAttributeValue{
		"color": {DataType: aws.String("String"), StringValue: aws.String("blue \u2713 <&>")},
		"n":     {DataType: aws.String("Number"), StringValue: aws.String("7")},
		"blob":  {DataType: aws.String("Binary"), BinaryValue: blob},
	}
	sent, err := svc.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body), MessageAttributes: attrs})
	must(err, "SendMessage")
	eq(aws.StringValue(sent.MD5OfMessageAttributes), md5OfAttributes(attrs), "SendMessage MD5OfMessageAttributes")

	entries := []*sqs.SendMessageBatchRequestEntry{}
	for i, b := range batchBodies {
		entries = append(entries, &sqs.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprintf("e%d", i)), MessageBody: aws.String(b)})
	}
	batch, err := svc.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	must(err, "SendMessageBatch")
	eq(len(batch.Failed), 0, "SendMessageBatch Failed")
	eq(len(batch.Successful), 3, "SendMessageBatch Successful")

	var received []*sqs.Message
	deadline := time.Now().Add(8 * time.Second)
	for len(received) < 4 && time.Now().Before(deadline) {
		r, err := svc.ReceiveMessage(&sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: aws.Int64(10), WaitTimeSeconds: aws.Int64(1),
			AttributeNames: aws.StringSlice([]string{"All"}), MessageAttributeNames: aws.StringSlice([]string{"All"}),
		})
		must(err, "ReceiveMessage")
		received = append(received, r.Messages...)
	}
	gotBodies := []string{}
	var first *sqs.Message
	for _, m := range received {
		gotBodies = append(gotBodies, aws.StringValue(m.Body))
		eq(aws.StringValue(m.MD5OfBody), md5Hex([]byte(aws.StringValue(m.Body))), "MD5OfBody")
		eq(aws.StringValue(m.Attributes["ApproximateReceiveCount"]), "1", "ApproximateReceiveCount")
		if aws.StringValue(m.MessageId) == aws.StringValue(sent.MessageId) {
			first = m
		}
	}
	want := append([]string{body}, batchBodies...)
	sort.Strings(want)
	sort.Strings(gotBodies)
	eq(gotBodies, want, "received bodies")
	if first == nil {
		fail("the SendMessage message was not received")
	}
	eq(aws.StringValue(first.MD5OfMessageAttributes), md5OfAttributes(attrs), "MD5OfMessageAttributes")
	eq(first.MessageAttributes, attrs, "message attributes")

	_, err = svc.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: aws.Int64(0)})
	must(err, "ChangeMessageVisibility")
	again, err := svc.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: aws.Int64(1), AttributeNames: aws.StringSlice([]string{"ApproximateReceiveCount"})})
	must(err, "ReceiveMessage again")
	eq(len(again.Messages), 1, "messages after ChangeMessageVisibility 0")
	eq(aws.StringValue(again.Messages[0].Body), body, "body received again")
	eq(aws.StringValue(again.Messages[0].Attributes["ApproximateReceiveCount"]), "2", "ApproximateReceiveCount again")

	_, err = svc.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: again.Messages[0].ReceiptHandle})
	must(err, "DeleteMessage")
	dels := []*sqs.DeleteMessageBatchRequestEntry{}
	for _, m := range received {
		if m != first {
			dels = append(dels, &sqs.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprintf("d%d", len(dels))), ReceiptHandle: m.ReceiptHandle})
		}
	}
	deleted, err := svc.DeleteMessageBatch(&sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: dels})
	must(err, "DeleteMessageBatch")
	eq(len(deleted.Failed), 0, "DeleteMessageBatch Failed")
	eq(len(deleted.Successful), 3, "DeleteMessageBatch Successful")

	_, err = svc.TagQueue(&sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: aws.StringMap(tags)})
	must(err, "TagQueue")
	lt, err := svc.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	must(err, "ListQueueTags")
	eq(aws.StringValueMap(lt.Tags), tags, "ListQueueTags")

	_, err = svc.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("purge me")})
	must(err, "SendMessage before purge")
	_, err = svc.PurgeQueue(&sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	must(err, "PurgeQueue")
	t0 := time.Now()
	empty, err := svc.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: aws.Int64(1)})
	must(err, "ReceiveMessage after purge")
	waited := time.Since(t0)
	eq(len(empty.Messages), 0, "messages after purge")
	if waited < 900*time.Millisecond {
		fail("long poll on an empty queue returned after %v", waited)
	}
	counts, err := svc.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: aws.StringSlice([]string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"})})
	must(err, "GetQueueAttributes counts")
	eq(aws.StringValueMap(counts.Attributes), map[string]string{"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}, "counts after purge")

	_, err = svc.DeleteQueue(&sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	must(err, "DeleteQueue")
	_, err = svc.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	rf, ok := err.(awserr.RequestFailure)
	if !ok {
		fail("GetQueueUrl after DeleteQueue: expected a RequestFailure, got %v", err)
	}
	eq(rf.Code(), sqs.ErrCodeQueueDoesNotExist, "error code")
	eq(rf.StatusCode(), 400, "error status")

	out, _ := json.Marshal(map[string]interface{}{"ok": true, "sdk": aws.SDKVersion, "received": len(received), "waitedMs": waited.Milliseconds()})
	fmt.Println(string(out))
}
