res.end('fine');
const broken = (1 + ;
