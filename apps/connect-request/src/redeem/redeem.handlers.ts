import {
  AnswerRequest,
  type AnswerResponse,
  CompleteRequest,
  type CompleteResponse,
  ConnectRequestCmd,
  EnterCodeRequest,
  type EnterCodeResponse,
  GetTicketRequest,
  type TicketView,
} from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { correlationIdOf } from '../correlation';
import { RedeemService } from './redeem.service';

/** Called by the gateway's /connect pages for the signed-in person. */
@Controller()
export class RedeemHandlers {
  constructor(private readonly redeem: RedeemService) {}

  @MessagePattern(ConnectRequestCmd.EnterCode)
  enterCode(@Payload() req: EnterCodeRequest, @Ctx() ctx: NatsContext): Promise<EnterCodeResponse> {
    return this.redeem.enterCode(req, correlationIdOf(ctx));
  }

  @MessagePattern(ConnectRequestCmd.Answer)
  answer(@Payload() req: AnswerRequest, @Ctx() ctx: NatsContext): Promise<AnswerResponse> {
    return this.redeem.answer(req, correlationIdOf(ctx));
  }

  @MessagePattern(ConnectRequestCmd.GetTicket)
  getTicket(@Payload() req: GetTicketRequest): Promise<TicketView> {
    return this.redeem.getTicket(req.personId, req.ticket);
  }

  @MessagePattern(ConnectRequestCmd.Complete)
  complete(@Payload() req: CompleteRequest, @Ctx() ctx: NatsContext): Promise<CompleteResponse> {
    return this.redeem.complete(req, correlationIdOf(ctx));
  }
}
