// Attacker: burns CPU until the platform stops it.
while (true) {}
