"""Living demand: a generator of contacts shaped like a force's demand, and replay of real
calls-for-service logs. Both drive a Demand Hub server only through its public entry points,
over HTTP, so whatever they exercise is what real clients exercise."""
