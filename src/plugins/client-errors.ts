import { randomUUID } from 'node:crypto'
import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyInstance } from 'fastify'
import { type Problem, type ProblemKind, problemCode, problemTypes, problemTypeUri } from '../shared/problems.ts'

/** The path of the request line at the start of the bytes that failed, when they hold one. */
function pathOf(rawPacket: unknown): string | undefined {
  const start = Buffer.isBuffer(rawPacket) ? rawPacket.toString('latin1', 0, 8192) : ''
  const match = /^[A-Z]+ (\/[^\s?]*)\S* HTTP\/1\.[01]\r?\n/.exec(start)
  return match?.[1]
}

function kindAndDetail(error: ConnectionError, headersTimeoutMs: number): [ProblemKind, string] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return ['request_timeout', `The request headers did not arrive within ${headersTimeoutMs} ms; the connection is closed.`]
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return ['request_header_fields_too_large', `The request line and headers exceed ${maxHeaderSize} bytes; the connection is closed.`]
  return ['malformed_request', 'The request is not well-formed HTTP/1.1; the connection is closed.']
}

/**
 * Node answers errors it finds before a request exists (headers too large, too slow, unparsable)
 * on the raw socket, by default in plain text or Fastify's JSON; here they are problem+json like
 * every other answer. There is no request yet, so the request id is made here (and logged), and the
 * instance is the path of the request line when the failing bytes hold it, else the occurrence's URN.
 */
export function clientErrorHandler(headersTimeoutMs: number) {
  return function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket) {
    // A reset connection, or one whose answer has begun, cannot take an answer.
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || answering?.headersSent) {
      socket.destroy(error)
      return
    }
    const [kind, detail] = kindAndDetail(error, headersTimeoutMs)
    const requestId = randomUUID()
    this.log.info({ err: error, requestId }, `client error answered ${problemTypes[kind].status}`)
    const problem: Problem = {
      type: problemTypeUri(kind),
      title: problemTypes[kind].title,
      status: problemTypes[kind].status,
      detail,
      instance: pathOf(error.rawPacket) ?? `urn:uuid:${requestId}`,
      code: problemCode(kind),
      requestId
    }
    const body = JSON.stringify(problem)
    const head = [
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
      'content-type: application/problem+json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      'connection: close'
    ].join('\r\n')
    socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy())
  }
}
