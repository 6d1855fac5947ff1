exports.bang = '!';
