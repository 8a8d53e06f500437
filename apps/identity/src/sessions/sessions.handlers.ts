import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  IdentityCmd,
  ResolveSessionRequest,
  type ResolveSessionResponse,
  SessionStatusRequest,
  type SessionStatusResponse,
  SignOutRequest,
  type SignOutResponse,
} from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsHandlers {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(IdentityCmd.ResolveSession)
  resolve(@Payload() dto: ResolveSessionRequest): Promise<ResolveSessionResponse> {
    return this.sessions.resolve(dto.token);
  }

  @MessagePattern(IdentityCmd.SessionStatus)
  status(@Payload() dto: SessionStatusRequest): Promise<SessionStatusResponse> {
    return this.sessions.status(dto.sessionId);
  }

  @MessagePattern(IdentityCmd.SignOut)
  signOut(@Payload() dto: SignOutRequest, @Ctx() ctx: NatsContext): Promise<SignOutResponse> {
    return this.sessions.signOut(dto.token, correlationIdOf(ctx));
  }
}
