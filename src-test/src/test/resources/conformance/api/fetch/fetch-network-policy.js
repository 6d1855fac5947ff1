// fetch to the cloud metadata address is always denied: it rejects with a TypeError, code ERR_NETWORK_POLICY.
// expect-status: 200
// expect-body: TypeError ERR_NETWORK_POLICY
try {
  await fetch('http://169.254.169.254/latest/meta-data/');
  res.end('fetched?!');
} catch (e) {
  res.end(`${e.name} ${e.code}`);
}
