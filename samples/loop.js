// Never finishes: Renga cancels it at renga.sandbox.request-timeout (500, x-renga-error: timeout).
while (true) {}
