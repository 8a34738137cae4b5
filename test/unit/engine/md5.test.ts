import { md5Hex, md5OfAttributes } from '../../../src/engine/md5.js';
import type { StoredAttributes } from '../../../src/api/shapes.js';

const s = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });

/** Vectors from the reference (aws-behaviours F88/F89, sqs-wire-spec §8.4-8.5). */
test.each<[string, StoredAttributes, string]>([
  ['Foo', { Foo: s('Bar') }, 'ae7155c6026991b6d54b11589678bf9c'],
  ['timestamp', { timestamp: s('1493147359900', 'Number') }, '235c5c510d26fb653d073faed50ae77c'],
  ['MyAttribute', { MyAttribute: s('foobar') }, 'adb59cd4678ea5a855436b949cd07ab6'],
  ['k', { k: s('x') }, 'a45daa70926828a2f0a1db3418e6feb4'],
  [
    'binary traceparent',
    { attr1: { DataType: 'Binary', BinaryValue: Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1') } },
    '8cbe4db156db8a94db8b801b7addb984',
  ],
  ['three strings', { 'Help.Me': s('Me'), Hello: s('There'), General: s('Kenobi') }, '4c360f3fdafd970e05fae2f149d997f5'],
  ['subset', { Hello: s('There'), General: s('Kenobi') }, 'fca026605781cb4126a1e9044df24232'],
  ['Hello', { Hello: s('There') }, 'a311262e065454b75da111d535b8dacd'],
  ['attribName1', { attribName1: s('attribValue 1') }, '19e27d4e946b072f3f58da80d94fd778'],
  ['Number.float', { customNumberTypeAttrib: s('4563442423554324324264524243.32543234', 'Number.float') }, '9fe1b90bbd9965bdf77bac517c7d2495'],
  ['binary', { binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') } }, '31a92b15d92f8db860eda32aceb656c3'],
  [
    'three mixed',
    {
      attribName1: s('attribValue 1'),
      customNumberTypeAttrib: s('4563442423554324324264524243.32543234', 'Number.float'),
      binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
    },
    'c932db14a896c663f83c260297d594ff',
  ],
  [
    'AWSTraceHeader',
    { AWSTraceHeader: s('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1') },
    '5ae4d5d7636402d80f4eb6d213245a88',
  ],
])('MD5 of attributes: %s', (_name, attributes, expected) => {
  expect(md5OfAttributes(attributes)).toBe(expected);
});

test('a subset of names digests only those', () => {
  const all = { 'Help.Me': s('Me'), Hello: s('There'), General: s('Kenobi') };
  expect(md5OfAttributes(all, ['Hello', 'General'])).toBe('fca026605781cb4126a1e9044df24232');
});

test('MD5 of bodies is over UTF-8 (F77)', () => {
  expect(md5Hex('message')).toBe('78e731027d8fd50ed642340b7c9a63b3');
  expect(md5Hex('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
});
