/** kafkajs' per-connection request queue (no typings of its own), driven as its connection drives it. */
declare module 'kafkajs/src/network/requestQueue' {
  import type { Logger } from 'kafkajs';

  interface RequestEntry {
    readonly correlationId: number;
    readonly apiName: string;
    readonly apiKey: number;
    readonly apiVersion: number;
    readonly resolve: (answer: unknown) => void;
    readonly reject: (error: Error) => void;
  }

  export default class RequestQueue {
    public constructor(options: {
      readonly maxInFlightRequests: number | null;
      readonly requestTimeout: number;
      readonly enforceRequestTimeout: boolean;
      readonly clientId: string;
      readonly broker: string;
      readonly logger: Logger;
    });
    public push(request: {
      readonly entry: RequestEntry;
      readonly expectResponse: boolean;
      readonly sendRequest: () => void;
    }): void;
    public fulfillRequest(answer: { correlationId: number; payload: unknown; size: number }): void;
    public maybeThrottle(clientSideThrottleTime: number | null): void;
    public destroy(): void;
  }
}
