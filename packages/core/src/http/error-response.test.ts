import { describe, expect, it } from 'vitest';
import { errorCodes } from '../errors/error-codes.js';
import { MlpError } from '../errors/mlp-error.js';
import { errorResponse, mlflowErrorTable } from './error-response.js';
import { httpProblem } from './http-problem.js';

describe('errorResponse', () => {
  it('maps every mlp code to an MLflow code and status, keeping the mlp code', () => {
    for (const code of Object.keys(errorCodes) as (keyof typeof errorCodes)[]) {
      const answer = errorResponse(new MlpError(code, 'why'), 'r1');
      expect(answer.status).toBe(mlflowErrorTable[code].status);
      expect(answer.body).toEqual({ error_code: mlflowErrorTable[code].errorCode, message: 'why', mlp_error_code: code });
    }
  });

  it("uses MLflow's own statuses and codes", () => {
    expect(mlflowErrorTable.NOT_FOUND).toEqual({ errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    expect(mlflowErrorTable.ALREADY_EXISTS).toEqual({ errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 });
    expect(mlflowErrorTable.INVALID_ARGUMENT).toEqual({ errorCode: 'INVALID_PARAMETER_VALUE', status: 400 });
    expect(mlflowErrorTable.INTERNAL).toEqual({ errorCode: 'INTERNAL_ERROR', status: 500 });
    expect(mlflowErrorTable.UNAUTHENTICATED.status).toBe(401);
    expect(mlflowErrorTable.PERMISSION_DENIED.status).toBe(403);
  });

  it('passes HTTP-layer errors through with their headers', () => {
    const answer = errorResponse(
      httpProblem('INVALID_ARGUMENT', 'too big', {
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        httpStatus: 413,
        httpHeaders: { connection: 'close' },
      }),
      'r1',
    );
    expect(answer).toEqual({
      status: 413,
      headers: { connection: 'close' },
      body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'too big', mlp_error_code: 'INVALID_ARGUMENT' },
    });
  });

  it('never echoes the text of an unexpected error', () => {
    const answer = errorResponse(new TypeError('password=hunter2'), 'req-42');
    expect(answer.status).toBe(500);
    expect(answer.body.message).not.toContain('hunter2');
    expect(answer.body.message).toContain('req-42');
  });

  it('answers a damaged database, thrown by the driver or wrapped, as FAILED_PRECONDITION with what to do', () => {
    const driver = Object.assign(new Error('could not open file "base/16384/16390": No such file or directory'), { code: '58P01' });
    for (const thrown of [driver, new MlpError('INTERNAL', 'listing runs failed', { cause: driver })]) {
      const answer = errorResponse(thrown, 'req-7');
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({ error_code: 'INVALID_STATE', mlp_error_code: 'FAILED_PRECONDITION' });
      expect(answer.body.message).toContain('mlp doctor');
      expect(answer.body.message).toContain('req-7');
      expect(answer.body.message).not.toContain('base/16384');
    }
    expect(errorResponse(Object.assign(new Error('syntax'), { code: '42601' }), 'r').body.mlp_error_code).toBe('INTERNAL');
  });
});
