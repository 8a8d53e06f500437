// Terminal output: plain messages, and a spinner while waiting (only on a terminal).

/** A failure the person can act on: `message` is printed as it is, the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit codes: 1 usage or configuration, 2 the cuff is not (or no longer) connected, 3 anything else. */
export const EXIT = { usage: 1, notConnected: 2, failed: 3 };

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function say(line = '') {
  process.stdout.write(`${line}\n`);
}

/** A spinner with a changing text on a terminal; elsewhere (a pipe, a log file) only the first text, once. */
export function spinner(text) {
  const tty = Boolean(process.stdout.isTTY);
  let current = text;
  let frame = 0;
  let timer;
  if (tty) {
    timer = setInterval(() => {
      process.stdout.write(`\r${FRAMES[frame++ % FRAMES.length]} ${current}\x1b[K`);
    }, 100);
  } else {
    say(text);
  }
  return {
    update(next) {
      if (next === current) return;
      current = next;
      if (!tty) say(next);
    },
    stop(finalLine) {
      if (timer) {
        clearInterval(timer);
        process.stdout.write('\r\x1b[K');
      }
      if (finalLine) say(finalLine);
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
