// The `axios` and `request` packages against an HTTP server the request names: JSON, a POST, a gzip body, a 404.
const axios = require('axios');
const request = require('request');

const viaRequest = (options) => new Promise((resolve, reject) =>
  request(options, (error, response, body) => (error ? reject(error) : resolve({ status: response.statusCode, body }))));

module.exports = async (req, res) => {
  const { base } = await req.json();
  const got = await axios.get(base + '/json?x=1', { headers: { 'x-from': 'axios' } });
  const posted = await axios.post(base + '/echo', { hello: 'world' });
  const gzipped = await axios.get(base + '/gzip');
  let notFound;
  try {
    await axios.get(base + '/missing');
  } catch (error) {
    notFound = error.response.status;
  }
  const requested = await viaRequest({ url: base + '/json?x=2', json: true, headers: { 'x-from': 'request' } });
  const requestedGzip = await viaRequest({ url: base + '/gzip', json: true, gzip: true });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ got: got.data, posted: posted.data, gzipped: gzipped.data, notFound, requested, requestedGzip }));
};
