// require('assert'): Node's assertion functions (legacy and strict modes) with AssertionError.
(function (internal) {
  'use strict';

  const util = internal.require('util');

  class AssertionError extends Error {
    constructor(options) {
      super(options.message);
      this.name = 'AssertionError';
      this.code = 'ERR_ASSERTION';
      this.actual = options.actual;
      this.expected = options.expected;
      this.operator = options.operator;
      this.generatedMessage = options.generated === true;
    }
  }

  const fail = (actual, expected, message, operator, defaultMessage) => {
    if (message instanceof Error) throw message;
    throw new AssertionError({
      message: message !== undefined ? String(message) : defaultMessage,
      actual, expected, operator, generated: message === undefined,
    });
  };

  const show = (v) => util.inspect(v);

  const make = (strict) => {
    const ok = (value, message) => { if (!value) fail(value, true, message, '==', 'The expression evaluated to a falsy value:\n\n  assert.ok(' + show(value) + ')\n'); };
    const assert = (value, message) => ok(value, message);
    const deepEqual = (a, b, message) => { if (!util[strict ? 'isDeepStrictEqual' : 'isDeepEqual'](a, b)) fail(a, b, message, strict ? 'deepStrictEqual' : 'deepEqual', 'Expected values to be ' + (strict ? 'strictly ' : 'loosely ') + 'deep-equal:\n\n' + show(a) + '\n\nshould equal\n\n' + show(b)); };
    const notDeepEqual = (a, b, message) => { if (util[strict ? 'isDeepStrictEqual' : 'isDeepEqual'](a, b)) fail(a, b, message, strict ? 'notDeepStrictEqual' : 'notDeepEqual', 'Expected "actual" not to be ' + (strict ? 'strictly ' : 'loosely ') + 'deep-equal to: ' + show(b)); };
    const strictEqual = (a, b, message) => { if (!Object.is(a, b)) fail(a, b, message, 'strictEqual', 'Expected values to be strictly equal:\n\n' + show(a) + ' !== ' + show(b) + '\n'); };
    const notStrictEqual = (a, b, message) => { if (Object.is(a, b)) fail(a, b, message, 'notStrictEqual', 'Expected "actual" to be strictly unequal to: ' + show(b)); };
    const equal = strict ? strictEqual : (a, b, message) => { if (!(a == b || (Number.isNaN(a) && Number.isNaN(b)))) fail(a, b, message, '==', show(a) + ' == ' + show(b)); };
    const notEqual = strict ? notStrictEqual : (a, b, message) => { if (a == b) fail(a, b, message, '!=', show(a) + ' != ' + show(b)); };

    const matches = (error, expected) => {
      if (expected === undefined) return true;
      if (expected instanceof RegExp) return expected.test(String(error));
      if (typeof expected === 'function') {
        if (expected.prototype !== undefined && error instanceof expected) return true;
        if (Error.isPrototypeOf(expected) || expected === Error) return false;
        return expected.call({}, error) === true;
      }
      if (typeof expected === 'object' && expected !== null) {
        return Object.keys(expected).every((k) => (expected[k] instanceof RegExp && typeof error[k] === 'string' ? expected[k].test(error[k]) : util.isDeepStrictEqual(error[k], expected[k])));
      }
      return true;
    };
    const throws = (fn, expected, message) => {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      try { fn(); } catch (error) {
        if (!matches(error, expected)) throw error;
        return;
      }
      fail(undefined, expected, message, 'throws', 'Missing expected exception.');
    };
    const doesNotThrow = (fn, expected, message) => {
      try { fn(); } catch (error) { fail(error, expected, typeof expected === 'string' ? expected : message, 'doesNotThrow', 'Got unwanted exception.\nActual message: "' + (error && error.message) + '"'); }
    };
    const rejects = async (promiseOrFn, expected, message) => {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      try { await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn); } catch (error) {
        if (!matches(error, expected)) throw error;
        return;
      }
      fail(undefined, expected, message, 'rejects', 'Missing expected rejection.');
    };
    const doesNotReject = async (promiseOrFn, expected, message) => {
      try { await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn); } catch (error) { fail(error, expected, message, 'doesNotReject', 'Got unwanted rejection.\nActual message: "' + (error && error.message) + '"'); }
    };
    const match = (string, regexp, message) => { if (!regexp.test(string)) fail(string, regexp, message, 'match', 'The input did not match the regular expression ' + regexp + '. Input:\n\n' + show(string) + '\n'); };
    const doesNotMatch = (string, regexp, message) => { if (regexp.test(string)) fail(string, regexp, message, 'doesNotMatch', 'The input was expected to not match the regular expression ' + regexp + '. Input:\n\n' + show(string) + '\n'); };
    const ifError = (value) => { if (value !== null && value !== undefined) throw value instanceof Error ? value : new AssertionError({ message: 'ifError got unwanted exception: ' + show(value), actual: value, operator: 'ifError' }); };

    return Object.assign(assert, {
      ok, equal, notEqual, strictEqual, notStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError,
      deepEqual, notDeepEqual,
      fail: (message) => fail(undefined, undefined, message === undefined ? 'Failed' : message, 'fail', 'Failed'),
      AssertionError,
    });
  };

  const legacy = make(false);
  const strict = make(true);
  for (const mode of [legacy, strict]) {
    mode.deepStrictEqual = strict.deepEqual;
    mode.notDeepStrictEqual = strict.notDeepEqual;
    mode.strict = strict;
  }
  return legacy;
})
