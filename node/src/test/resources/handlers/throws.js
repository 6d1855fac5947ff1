function parseOrder(text) {
  throw new Error('cannot parse order: ' + text);
}
parseOrder('nope');
