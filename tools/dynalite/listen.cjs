// dynalite on a port the kernel picks: its CLI reads `--port 0` as "the default" (4567), so the
// test scripts would have to take a free port and release it first, racing anything else that
// binds meanwhile. This listens on port 0 of loopback and prints the port it got.
'use strict'
const dynalite = require('dynalite')

const server = dynalite({})
server.listen(0, '127.0.0.1', () => {
  console.log('Dynalite listening at: http://127.0.0.1:%d', server.address().port)
})
