// Throws before answering: Renga answers 500 with x-renga-error: exception and the JS stack.
function parseOrder(text) {
  throw new Error('cannot parse order: ' + JSON.stringify(text));
}
parseOrder('not an order');
