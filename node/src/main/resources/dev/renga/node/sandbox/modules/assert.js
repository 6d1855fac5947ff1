// require('assert') and require('assert/strict'): the npm assert library (vendor/assert.js, Node's own assert
// published for other platforms), with AssertionError, deepStrictEqual, throws/rejects and the strict mode.
(function (internal, name) {
  'use strict';

  const assert = internal.require('vendor/assert');
  return name === 'assert/strict' ? assert.strict : assert;
})
