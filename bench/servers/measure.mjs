// The measuring protocol every bench server speaks with bench/run.mjs over the IPC channel:
// 'start' resets the counters and starts the CPU and wall clocks, answering 'started'; 'stop'
// answers { cpuMicros, wallMicros, ...counters() } for the time since 'start'.

/**
 * Answers the runner's 'start' and 'stop' messages.
 * @param {{ reset: () => void, counters: () => Record<string, number> }} server
 */
export function answerMeasurements({ reset, counters }) {
  let cpuAtStart;
  let wallAtStart;
  process.on('message', (message) => {
    if (message === 'start') {
      reset();
      cpuAtStart = process.cpuUsage();
      wallAtStart = process.hrtime.bigint();
      process.send('started');
    } else if (message === 'stop') {
      const cpu = process.cpuUsage(cpuAtStart);
      const wallMicros = Number(process.hrtime.bigint() - wallAtStart) / 1000;
      process.send({ ...counters(), cpuMicros: cpu.user + cpu.system, wallMicros });
    }
  });
}
