import { describe, expect, it } from 'vitest';
import { canonicalQueryString, canonicalRequest, canonicalUri, signature, uriEncode } from './canonical.js';

const AK = '0123456789abcdef0123456789abcdef';
const SK = 'fedcba9876543210fedcba9876543210';
const PREFIX = `bce-auth-v1/${AK}/2018-07-06T11:29:59Z/1800`;
const BASE_HEADERS = {
  'content-type': 'application/json;charset=utf-8',
  'content-length': '0',
  'x-bce-date': '2018-07-06T11:29:59Z',
};

describe('bce-auth-v1 canonical request (reference §5.3 test vectors)', () => {
  it('vector 1: Python-style accept= with an empty signed list', () => {
    const request = canonicalRequest({
      method: 'PUT',
      rawPath: '/v1/peerconn/peerconn-9td54fmx143e',
      rawQuery: 'accept=&clientToken=be31b98c-5e41-4838-9d30-9be700de5a20',
      headers: { host: 'bcc.bj.baidubce.com', ...BASE_HEADERS },
      signedHeaders: [],
    });
    expect(request).toBe(
      'PUT\n/v1/peerconn/peerconn-9td54fmx143e\naccept=&clientToken=be31b98c-5e41-4838-9d30-9be700de5a20\n' +
        'content-length:0\ncontent-type:application%2Fjson%3Bcharset%3Dutf-8\nhost:bcc.bj.baidubce.com\n' +
        'x-bce-date:2018-07-06T11%3A29%3A59Z',
    );
    expect(signature(SK, PREFIX, request)).toBe(
      '9b7a928db9fca5793362181c74e7416e2a11f4dcd50605358b0594f75b606e50',
    );
  });

  it('vector 1 signed with the explicit list JS sends gives the same signature', () => {
    const request = canonicalRequest({
      method: 'PUT',
      rawPath: '/v1/peerconn/peerconn-9td54fmx143e',
      rawQuery: 'accept=&clientToken=be31b98c-5e41-4838-9d30-9be700de5a20',
      headers: { host: 'bcc.bj.baidubce.com', ...BASE_HEADERS },
      signedHeaders: ['content-length', 'content-type', 'host', 'x-bce-date'],
    });
    expect(signature(SK, PREFIX, request)).toBe(
      '9b7a928db9fca5793362181c74e7416e2a11f4dcd50605358b0594f75b606e50',
    );
  });

  it('vector 2: a port in Host and a sorted query', () => {
    const request = canonicalRequest({
      method: 'GET',
      rawPath: '/v1/peerconn',
      rawQuery: 'vpcId=vpc-13vuxu016dew&maxKeys=1',
      headers: { host: 'localhost:8080', ...BASE_HEADERS },
      signedHeaders: [],
    });
    expect(request.split('\n')[2]).toBe('maxKeys=1&vpcId=vpc-13vuxu016dew');
    expect(request).toContain('host:localhost%3A8080');
    expect(signature(SK, PREFIX, request)).toBe(
      'f12c423ff0a9ba252b8de2870f7d8892e00ffe617ba0a5fd27eb7340fe13b3ec',
    );
  });

  it('vector 3: Go-style bare accept flag, explicit list, unsigned x-bce-request-id', () => {
    const request = canonicalRequest({
      method: 'PUT',
      rawPath: '/v1/peerconn/peerconn-9td54fmx143e',
      rawQuery: 'accept&clientToken=tok',
      headers: {
        host: 'bcc.bj.baidubce.com',
        ...BASE_HEADERS,
        'x-bce-request-id': '2c1c8b5e-0000-4000-8000-000000000000',
      },
      signedHeaders: ['content-type', 'host', 'x-bce-date'],
    });
    expect(signature(SK, PREFIX, request)).toBe(
      '6a32b5129ec036ab850620153c01e06992e46fac6f583e90119517e41bd13673',
    );
  });
});

describe('encoding edge cases', () => {
  it('encodes every byte outside the unreserved set with uppercase hex', () => {
    expect(uriEncode("a b+c/d~e*!'()")).toBe('a%20b%2Bc%2Fd~e%2A%21%27%28%29');
    expect(uriEncode('中')).toBe('%E4%B8%AD');
    expect(uriEncode('/v1/x y', true)).toBe('/v1/x%20y');
  });

  it('decodes what JS over-encodes (%2d for "-") before encoding again', () => {
    expect(canonicalUri('/v1/vpc/vpc%2dabc')).toBe('/v1/vpc/vpc-abc');
    expect(canonicalQueryString('vpcId=vpc%2dabc&marker=')).toBe('marker=&vpcId=vpc-abc');
  });

  it('keeps "+" literal, drops authorization and treats flags and empty values alike', () => {
    expect(canonicalQueryString('a=1+2&Authorization=x&accept')).toBe('a=1%2B2&accept=');
    expect(canonicalQueryString('accept=')).toBe(canonicalQueryString('accept'));
  });

  it('starts an empty path with "/"', () => {
    expect(canonicalUri('')).toBe('/');
  });
});
