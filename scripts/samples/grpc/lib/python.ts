// Runs scripts/samples/grpc/py/lab.py (Python grpcio, C-core) as a server or as a client for the mixed
// scenarios. Debian's /usr/bin/python3 has python3-grpcio; a pyenv python3 on PATH may not.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from './calls.js';
import { describeBytes } from './codec.js';
import { METHOD_TYPES, type MethodName } from './service.js';

const PYTHON = '/usr/bin/python3';
const LAB_PY = fileURLToPath(new URL('../py/lab.py', import.meta.url));

export interface PythonServer {
  process: ChildProcess;
  /** SIGTERM: lab.py then calls server.stop(grace) and exits. */
  stop(): Promise<void>;
}

export async function startPythonServer(port: number, args: string[] = []): Promise<PythonServer> {
  const child = spawn(PYTHON, ['-B', LAB_PY, 'server', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lab.py server exited with ${code} before READY`)));
  });
  return {
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What lab.py client prints per call: CallRecord with messages as hex. */
interface PythonCall extends Omit<CallRecord, 'requests' | 'responses'> {
  requests: string[];
  responses: string[];
}

export async function runPythonClient(port: number): Promise<CallRecord[]> {
  const child = spawn(PYTHON, ['-B', LAB_PY, 'client', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`lab.py client exited with ${code}`);
  const { calls } = JSON.parse(out) as { calls: PythonCall[] };
  return calls.map(fromPython);
}

function fromPython(call: PythonCall): CallRecord {
  const method = call.method.split('/').at(-1) as MethodName;
  const types = METHOD_TYPES[method];
  return {
    ...call,
    requests: call.requests.map((hex) => describeBytes(types.request, Buffer.from(hex, 'hex'))),
    responses: call.responses.map((hex) => describeBytes(types.response, Buffer.from(hex, 'hex'))),
  };
}
