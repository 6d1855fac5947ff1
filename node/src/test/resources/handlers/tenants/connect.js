// Fetches process.env.UPSTREAM (a loopback URL) and says whether the network policy let it through.
try {
  const response = await fetch(process.env.UPSTREAM);
  res.end('reached ' + response.status);
} catch (e) {
  res.statusCode = 502;
  res.end('refused: ' + e.message);
}
