// Never finishes: Renga stops it once it has used renga.sandbox.cpu-limit of CPU time (500, x-renga-error:
// cpu-limit), or at renga.sandbox.request-timeout if that comes first (500, x-renga-error: timeout).
while (true) {}
