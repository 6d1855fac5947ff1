// no-response also when the last timer ran without ending the response.
// expect-status: 500
// expect-error: no-response
// expect-within-ms: 3000
setTimeout(() => { /* forgot res.end() */ }, 20);
