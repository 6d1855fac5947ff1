// Answers with the process.env it sees (its tenant's env and secrets), as JSON.
res.setHeader('content-type', 'application/json');
res.end(JSON.stringify(process.env));
