/** Service methods of a protobufjs Root as MethodInfo (request/response types, streaming flags). */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';

export interface MethodInfo {
  /** "/pkg.Service/Method" */
  path: string;
  /** "pkg.Service" */
  service: string;
  method: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
}

export function collectServices(ns: protobuf.NamespaceBase, out: MethodInfo[]): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobufjs().Service) {
      for (const method of child.methodsArray) {
        const info = methodInfo(child, method);
        if (info !== null) out.push(info);
      }
    } else if (child instanceof protobufjs().Namespace) {
      collectServices(child, out);
    }
  }
}

export function methodInfo(service: protobuf.Service, method: protobuf.Method): MethodInfo | null {
  try {
    method.resolve();
  } catch {
    return null; // unresolvable types: treat as unknown rather than fail the capture
  }
  const requestType = method.resolvedRequestType;
  const responseType = method.resolvedResponseType;
  if (requestType === null || responseType === null) return null;
  const serviceName = service.fullName.replace(/^\./, '');
  return {
    path: `/${serviceName}/${method.name}`,
    service: serviceName,
    method: method.name,
    requestType,
    responseType,
    requestStream: method.requestStream === true,
    responseStream: method.responseStream === true,
  };
}
