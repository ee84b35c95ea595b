import { describe, expect, it } from 'vitest';
import { mlflowResponseError } from './mlflow-error-codes.js';

describe('mlflowResponseError', () => {
  it("maps MLflow's error codes to mlp codes", () => {
    const code = (errorCode: string, status = 400) =>
      mlflowResponseError(status, JSON.stringify({ error_code: errorCode, message: 'm' }), 'e').code;
    expect(code('RESOURCE_DOES_NOT_EXIST', 404)).toBe('NOT_FOUND');
    expect(code('INVALID_PARAMETER_VALUE')).toBe('INVALID_ARGUMENT');
    expect(code('RESOURCE_ALREADY_EXISTS')).toBe('ALREADY_EXISTS');
    expect(code('INVALID_STATE', 500)).toBe('FAILED_PRECONDITION');
    expect(code('PERMISSION_DENIED', 403)).toBe('PERMISSION_DENIED');
    expect(code('UNAUTHENTICATED', 401)).toBe('UNAUTHENTICATED');
    expect(code('TEMPORARILY_UNAVAILABLE', 503)).toBe('UNAVAILABLE');
    expect(code('INTERNAL_ERROR', 500)).toBe('INTERNAL');
  });

  it("prefers mlp server's exact code, and keeps MLflow's message and code", () => {
    const error = mlflowResponseError(
      400,
      JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Run r is deleted', mlp_error_code: 'FAILED_PRECONDITION' }),
      'mlflow/runs/log-batch',
    );
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toBe('Run r is deleted');
    expect(error.details).toEqual({ status: 400, endpoint: 'mlflow/runs/log-batch', mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    expect(mlflowResponseError(400, JSON.stringify({ error_code: 'BAD_REQUEST', mlp_error_code: 'toString' }), 'e').code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('falls back to the HTTP status for answers that are not MLflow errors', () => {
    const error = mlflowResponseError(404, '<html>Not Found</html>', 'mlp/runs/heartbeat');
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('HTTP 404');
    expect(mlflowResponseError(401, '', 'e').code).toBe('UNAUTHENTICATED');
    expect(mlflowResponseError(413, '', 'e').code).toBe('INVALID_ARGUMENT');
    expect(mlflowResponseError(502, 'bad gateway', 'e').code).toBe('UNAVAILABLE');
    expect(mlflowResponseError(400, JSON.stringify({ error_code: 'constructor' }), 'e').code).toBe('INVALID_ARGUMENT');
  });
});
