// Attacker: a backreference forces backtracking, exponential in the input length.
res.end(String(/^(a+)+\1$/.test('a'.repeat(40) + '!')));
