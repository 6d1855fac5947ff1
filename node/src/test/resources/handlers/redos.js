// Catastrophic for a backtracking engine; GraalJS's TRegex runs it in linear time.
res.end(String(/^(a+)+$/.test('a'.repeat(30) + '!')));
