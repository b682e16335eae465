/**
 * A service's reply as the JSON it crossed the in-process boundary in. The gateway writes it to
 * the HTTP response as it is, instead of parsing it only to serialize it again.
 */
export class SerializedReply {
  constructor(readonly json: string) {}

  parse<T>(): T {
    return JSON.parse(this.json) as T;
  }
}
