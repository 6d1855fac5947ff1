module.exports = { greet: (who) => 'hello ' + who };
